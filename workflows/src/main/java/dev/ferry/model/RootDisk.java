package dev.ferry.model;

/**
 * A root disk made from a base image.
 *
 * @param path the new volume's path
 * @param sizeMb its virtual size in MiB (at least the image's)
 * @param image the base image it is a full copy of, and that image's path on the host
 */
public record RootDisk(String path, long sizeMb, BaseImage image) {}
