package dev.ferry.model;

/**
 * What a move's pre-flight checks before the move starts: a {@code type} move of {@code
 * instanceName} from {@code source}, placing {@code flavor} on {@code destHost} (null: placement
 * picks), fenced by {@code fenceMethod} (an evacuation's; null: the conductor's default).
 */
public record MovePreflight(
    String moveId,
    MoveType type,
    String instanceId,
    String instanceName,
    String source,
    String destHost,
    Flavor flavor,
    String fenceMethod,
    String requestedBy) {

  /** The pre-flight of {@code request} for {@code record}. */
  public static MovePreflight of(MoveRequest request, InstanceRecord record) {
    Flavor placed =
        request.type() == MoveType.RESIZE ? Flavors.require(request.flavor()) : record.flavor;
    return new MovePreflight(
        request.moveId(),
        request.type(),
        record.id,
        record.name,
        record.host,
        request.destHost(),
        placed,
        request.fenceMethod(),
        request.requestedBy());
  }
}
