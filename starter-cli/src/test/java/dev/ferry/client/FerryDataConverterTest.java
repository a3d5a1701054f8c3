package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import dev.ferry.model.HostRecord;
import dev.ferry.model.InstanceRecord;
import io.temporal.api.common.v1.Payload;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import org.junit.jupiter.api.Test;

class FerryDataConverterTest {
  private final DataConverter converter = FerryDataConverter.create();

  private static Payload json(String json) {
    return Payload.newBuilder()
        .putMetadata("encoding", ByteString.copyFromUtf8("json/plain"))
        .setData(ByteString.copyFromUtf8(json))
        .build();
  }

  @Test
  void readsRecordsWithFieldsItDoesNotKnow() {
    // e.g. a newer worker's record, or a derived getter serialized by mistake
    Payload host = json("{\"name\":\"a\",\"alive\":true,\"addedInVersion2\":[1,2]}");
    assertEquals("a", converter.fromPayload(host, HostRecord.class, HostRecord.class).name);
    Payload server = json("{\"name\":\"s\",\"busy\":false}");
    assertEquals(
        "s", converter.fromPayload(server, InstanceRecord.class, InstanceRecord.class).name);
  }

  @Test
  void writesWhatTheDefaultWrites() {
    HostRecord host = new HostRecord();
    host.name = "a";
    assertEquals(
        DefaultDataConverter.STANDARD_INSTANCE.toPayload(host).orElseThrow(),
        converter.toPayload(host).orElseThrow());
  }
}
