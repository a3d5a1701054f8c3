package dev.ferry.model;

/** A hardware template, as Nova's flavors. */
public record Flavor(String name, int vcpus, int memoryMb, int diskGb) {
  public Resources resources() {
    return new Resources(vcpus, memoryMb, diskGb);
  }
}
