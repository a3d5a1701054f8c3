package dev.ferry.evacuate;

/** How a host was fenced: the method used and what it did, for the move's log. */
public record FenceResult(String method, String host, String summary) {}
