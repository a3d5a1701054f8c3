package dev.ferry.cli.server;

import dev.ferry.cli.common.ClientCommand;
import dev.ferry.cli.common.Durations;
import dev.ferry.cli.common.Output;
import dev.ferry.cli.common.Views;
import dev.ferry.client.FerryClient;
import dev.ferry.client.ServerRefs;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.Names;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ferry server create --name N --flavor F [--host H] [--image IMAGE] [--disk-size SIZE]
 * [--shared]}.
 */
@Command(
    name = "create",
    description = "Create a server and wait until it is ACTIVE.",
    mixinStandardHelpOptions = true)
public final class ServerCreateCommand extends ClientCommand {
  @Option(names = "--name", required = true, paramLabel = "NAME", description = "Server name.")
  String name;

  @Option(
      names = "--flavor",
      required = true,
      paramLabel = "FLAVOR",
      description = "Flavor, e.g. t1.nano, m1.small.")
  String flavor;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      description = "Host to build on (default: the alive, enabled host with most free memory).")
  String host;

  @Option(
      names = "--disk-size",
      paramLabel = "SIZE",
      description =
          "Give the server a root disk (qcow2) of SIZE: 64M, 1G, or MiB without a unit."
              + " Host-local unless --shared. Default: no disk.")
  String diskSize;

  @Option(
      names = "--image",
      paramLabel = "IMAGE",
      description =
          "Make the root disk from the base image IMAGE of the host's image store (a full copy,"
              + " of the image's size unless --disk-size asks for more). An evacuation rebuilds a"
              + " host-local disk from it.")
  String image;

  @Option(
      names = "--shared",
      description =
          "Put the disk on the hosts' shared storage (cold migration then copies nothing).")
  boolean shared;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "5m",
      converter = Durations.class,
      description = "How long to wait for the build (default: ${DEFAULT-VALUE}; 90s, 30m, 1h).")
  Duration timeout;

  @Override
  protected void validate() {
    ServerRefs.requireName(name);
    Flavors.require(flavor);
    if (host != null) {
      Names.requireValidName("host", host);
    }
    if (image != null) {
      Names.requireValidName("image", image);
    }
    if (shared && diskSize == null && image == null) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "--shared needs --disk-size or --image");
    }
    diskMb();
  }

  /** --disk-size in MiB: {@code 64M}, {@code 1G}, {@code 512} (MiB); 0 when absent. */
  long diskMb() {
    if (diskSize == null) {
      return 0;
    }
    Matcher m = SIZE.matcher(diskSize.trim());
    if (!m.matches()) {
      throw new FerryRejection(
          Reason.INVALID_ARGUMENT,
          "--disk-size '" + diskSize + "' is not a size like 64M, 1G or 512 (MiB)");
    }
    long n = Long.parseLong(m.group(1));
    long mb = m.group(2) != null && m.group(2).equalsIgnoreCase("G") ? n * 1024 : n;
    if (mb < 1) {
      throw new FerryRejection(Reason.INVALID_ARGUMENT, "--disk-size must be at least 1M");
    }
    return mb;
  }

  private static final Pattern SIZE = Pattern.compile("(\\d{1,9})\\s*([MmGg])?(?:i?B)?");

  @Override
  protected int run(FerryClient client, Output out) {
    InstanceRecord server =
        client.servers().create(name, flavor, host, timeout, diskMb(), shared, image);
    out.emit(new ServerView(server), () -> out.print(Views.serverDetails(server)));
    return 0;
  }
}
