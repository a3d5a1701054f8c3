package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.Flavors;
import dev.ferry.model.InstanceRecord;
import dev.ferry.model.PowerState;
import dev.ferry.model.VmState;
import org.junit.jupiter.api.Test;

/**
 * Names and ids on the command line: a UUID is never a name, a malformed reference (exit 5) is not
 * an unknown one (exit 3), and a reference that could mean two servers is refused (exit 4).
 */
class NamesAndIdsTest extends FakeClusterTest {
  private static final String UNKNOWN_ID = "99999999-9999-4999-8999-999999999999";

  private static void assertRefusedWithLine(Cli.Result r, int status, String line) {
    assertEquals(status, r.exit(), r.toString());
    assertEquals("ferry: error: " + line + "\n", r.err(), r.toString());
    assertEquals("", r.out(), r.toString());
  }

  private String serverList() {
    Cli.Result r = ferry("server", "list");
    assertEquals(0, r.exit(), r.toString());
    return r.out();
  }

  @Test
  void aNameThatIsAUuidIsRefusedBeforeConnectingAndNothingIsCreated() {
    InstanceRecord web1 = ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    String before = serverList();

    Cli.Result r =
        Cli.run(
            Cli::neverConnect,
            "server",
            "create",
            "--name",
            web1.id,
            "--flavor",
            "m1.tiny",
            "--host",
            "b");

    assertRefusedWithLine(
        r,
        ExitStatus.INVALID,
        "invalid server name '"
            + web1.id
            + "': a name cannot be or look like a UUID, which is how server ids are written");
    assertEquals(before, serverList());
  }

  @Test
  void theClientRefusesItToo() {
    String before = serverList();
    Cli.Result r =
        Cli.run(
            o -> ferry.client(),
            "server",
            "create",
            "--name",
            UNKNOWN_ID.toUpperCase(),
            "--flavor",
            "m1.tiny");
    assertEquals(ExitStatus.INVALID, r.exit(), r.toString());
    assertEquals(before, serverList());
  }

  @Test
  void malformedAndUnknownReferencesHaveTheirOwnMessagesAndStatuses() {
    ferry.server("web1", "m1.small", "a", VmState.ACTIVE);

    assertRefusedWithLine(
        ferry("server", "show", "web 1"),
        ExitStatus.INVALID,
        "'web 1' is neither a server name (1-63 letters, digits, '.', '_' or '-', starting with a"
            + " letter or digit) nor a server id (a UUID)");
    assertRefusedWithLine(
        ferry("server", "show", "99999999-9999-4999-8999"),
        ExitStatus.INVALID,
        "malformed server id '99999999-9999-4999-8999': an id is a UUID (8-4-4-4-12 hex digits,"
            + " as 'ferry server list' shows)");
    assertRefusedWithLine(
        ferry("server", "show", UNKNOWN_ID),
        ExitStatus.NOT_FOUND,
        "no server with id " + UNKNOWN_ID + ": see 'ferry server list'");
    assertRefusedWithLine(
        ferry("server", "delete", "web9"),
        ExitStatus.NOT_FOUND,
        "unknown server 'web9': see 'ferry server list'");
  }

  @Test
  void movesToo() {
    assertRefusedWithLine(
        ferry("migration", "show", "move:not-a-uuid"),
        ExitStatus.INVALID,
        "malformed move id 'move:not-a-uuid': a move id is a UUID, with or without 'move:' (as"
            + " 'ferry migration list' shows)");
    assertRefusedWithLine(
        ferry("migration", "show", "99999999-9999-4999-8999"),
        ExitStatus.INVALID,
        "malformed id '99999999-9999-4999-8999': a server or move id is a UUID (8-4-4-4-12 hex"
            + " digits)");
    Cli.Result unknown = ferry("migration", "show", "move:" + UNKNOWN_ID);
    assertEquals(ExitStatus.NOT_FOUND, unknown.exit(), unknown.toString());
    assertTrue(
        unknown.err().startsWith("ferry: error: no move " + UNKNOWN_ID + " on Temporal"),
        unknown.toString());
  }

  @Test
  void aServerNamedWithAnotherServersIdIsNotReachedInItsPlace() {
    InstanceRecord web1 = ferry.server("web1", "m1.small", "a", VmState.ACTIVE);
    InstanceRecord legacy = new InstanceRecord();
    legacy.id = UNKNOWN_ID;
    legacy.name = web1.id; // named so before names could be UUIDs
    legacy.flavor = Flavors.require("m1.tiny");
    legacy.host = "b";
    legacy.vmState = VmState.ACTIVE;
    legacy.powerState = PowerState.RUNNING;
    ferry.seed(legacy);
    String before = serverList();

    Cli.Result r = ferry("server", "delete", web1.id);

    assertEquals(ExitStatus.CONFLICT, r.exit(), r.toString());
    assertTrue(
        r.err()
            .startsWith(
                "ferry: error: '"
                    + web1.id
                    + "' is the id of server web1 and the name of server "
                    + UNKNOWN_ID),
        r.toString());
    assertEquals(before, serverList(), "nothing was deleted");
    Cli.Result byName = ferry("server", "show", "web1");
    assertTrue(byName.out().contains(web1.id), byName.toString());
    Cli.Result legacyById = ferry("server", "show", UNKNOWN_ID);
    assertTrue(legacyById.out().contains("Host:") && legacyById.out().contains(" b\n"));
    assertFalse(legacyById.out().contains("web1"), legacyById.toString());
  }
}
