package dev.ferry.model;

/** An amount of vCPUs, memory and disk: what a claim holds and what a host offers. */
public record Resources(int vcpus, int memoryMb, int diskGb) {
  public static final Resources NONE = new Resources(0, 0, 0);

  public Resources plus(Resources o) {
    return new Resources(vcpus + o.vcpus, memoryMb + o.memoryMb, diskGb + o.diskGb);
  }

  public Resources minus(Resources o) {
    return new Resources(vcpus - o.vcpus, memoryMb - o.memoryMb, diskGb - o.diskGb);
  }
}
