package dev.ferry.model;

/** Resources held on a host by a consumer: {@code instance:<id>} or {@code move:<id>}. */
public record Claim(String consumerId, String host, Resources resources) {}
