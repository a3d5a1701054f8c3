package dev.ferry.cli.server;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.ServerStatus;

/**
 * A server as {@code server list}, {@code show}, {@code create} and {@code adopt} print it with
 * {@code --output json}: every field of its record as it is, and Nova's derived {@code status}
 * beside them.
 */
public record ServerView(@JsonUnwrapped InstanceRecord record) {

  /** Nova's status (e.g. {@code SHUTOFF}, {@code VERIFY_RESIZE}) from the vm and task state. */
  @JsonProperty("status")
  public ServerStatus status() {
    return ServerStatus.of(record);
  }
}
