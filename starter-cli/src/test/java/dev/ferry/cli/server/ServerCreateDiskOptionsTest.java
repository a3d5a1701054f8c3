package dev.ferry.cli.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.FerryRejection;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code server create --disk-size SIZE [--shared]}: sizes in MiB, refusals before any call. */
class ServerCreateDiskOptionsTest {

  private static ServerCreateCommand parse(String... args) {
    ServerCreateCommand command = new ServerCreateCommand();
    new CommandLine(command).parseArgs(args);
    return command;
  }

  @Test
  void sizesAreMebibytes() {
    assertEquals(0, parse("--name", "a", "--flavor", "t1.nano").diskMb());
    assertEquals(64, parse("--name", "a", "--flavor", "t1.nano", "--disk-size", "64M").diskMb());
    assertEquals(64, parse("--name", "a", "--flavor", "t1.nano", "--disk-size", "64").diskMb());
    assertEquals(2048, parse("--name", "a", "--flavor", "t1.nano", "--disk-size", "2G").diskMb());
    assertEquals(
        512, parse("--name", "a", "--flavor", "t1.nano", "--disk-size", "512MiB").diskMb());
    ServerCreateCommand shared =
        parse("--name", "a", "--flavor", "t1.nano", "--disk-size", "1g", "--shared");
    assertTrue(shared.shared);
    assertEquals(1024, shared.diskMb());
  }

  @Test
  void badSizesAndSharedWithoutASizeAreRefused() {
    for (String bad : new String[] {"x", "-1", "0", "1T", "64 K"}) {
      ServerCreateCommand c = parse("--name", "a", "--flavor", "t1.nano", "--disk-size", bad);
      FerryRejection r = assertThrows(FerryRejection.class, c::validate, bad);
      assertEquals(FerryRejection.Reason.INVALID_ARGUMENT, r.reason());
    }
    ServerCreateCommand c = parse("--name", "a", "--flavor", "t1.nano", "--shared");
    assertTrue(
        assertThrows(FerryRejection.class, c::validate).getMessage().contains("--disk-size"));
  }
}
