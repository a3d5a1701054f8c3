package dev.ferry.model;

/**
 * A base image in a host's image store (Nova's image cache, {@code _base}): a volume of the store's
 * directory pool that root disks are made from.
 *
 * @param name the name it is asked for by ({@code --image NAME}, the record's baseImage)
 * @param path the volume's path on that host
 * @param format the volume's format (qcow2, raw)
 * @param sizeBytes its virtual size: the smallest root disk made from it
 */
public record BaseImage(String name, String path, String format, long sizeBytes) {}
