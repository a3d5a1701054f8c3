package dev.ferry.model;

import java.util.List;
import java.util.Map;

/**
 * What a host's agent made of the cleanup items it was given.
 *
 * @param done the ids of the items carried out (the stale copy is gone)
 * @param failed why each other item failed, by id
 */
public record CleanupReport(List<String> done, Map<String, String> failed) {}
