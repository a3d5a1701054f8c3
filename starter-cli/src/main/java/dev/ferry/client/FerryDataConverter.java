package dev.ferry.client;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.common.converter.DataConverter;
import io.temporal.common.converter.DefaultDataConverter;
import io.temporal.common.converter.JacksonJsonPayloadConverter;

/**
 * Temporal's default data converter, except that JSON objects may carry properties the reading
 * class does not know. Writes exactly what the default writes ({@code json/plain}), so it talks to
 * workers using the default. It lets a client read records whose derived getters are serialized
 * (e.g. {@code HostRecord.isAlive()} → {@code "alive"}) and records from newer workers that added
 * fields.
 */
public final class FerryDataConverter {
  private FerryDataConverter() {}

  public static DataConverter create() {
    ObjectMapper mapper = JacksonJsonPayloadConverter.newDefaultObjectMapper();
    mapper.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    return DefaultDataConverter.newDefaultInstance()
        .withPayloadConverterOverrides(new JacksonJsonPayloadConverter(mapper));
  }
}
