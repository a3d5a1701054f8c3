package dev.ferry.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.model.FerryRejection;
import dev.ferry.model.FerryRejection.Reason;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names and ids of servers: never one taken for the other. */
class ServerRefsTest {
  private static final String ID1 = "11111111-1111-4111-8111-111111111111";
  private static final String ID2 = "22222222-2222-4222-8222-222222222222";
  private static final String ID3 = "33333333-3333-4333-8333-333333333333";

  private static FerryRejection refused(Reason reason, Runnable call) {
    FerryRejection r = assertThrows(FerryRejection.class, call::run);
    assertEquals(reason, r.reason(), r.getMessage());
    return r;
  }

  @Test
  void aNewNameMayNotBeOrLookLikeAnId() {
    assertEquals("web1", ServerRefs.requireName("web1"));
    assertEquals("db-2026-05", ServerRefs.requireName("db-2026-05"));
    for (String idLike :
        new String[] {
          ID1, ID1.toUpperCase(), "6f1c2d3e-12-4a-8b-9", "6f1c2d3e-1234-4abc-8def-12345678901g"
        }) {
      FerryRejection r = refused(Reason.INVALID_ARGUMENT, () -> ServerRefs.requireName(idLike));
      assertEquals(
          "invalid server name '"
              + idLike
              + "': a name cannot be or look like a UUID, which is how server ids are written",
          r.getMessage());
    }
    refused(Reason.INVALID_ARGUMENT, () -> ServerRefs.requireName("a b"));
  }

  @Test
  void anIdOrANameResolvesToItsServer() {
    Map<String, String> index = Map.of(ID1, "web1", ID2, "web2");
    assertEquals(ID1, ServerRefs.resolve(index, "web1"));
    assertEquals(ID2, ServerRefs.resolve(index, ID2));
    assertEquals(ID2, ServerRefs.resolve(index, ID2.toUpperCase()));
    assertEquals(ID3, ServerRefs.resolve(index, ID3), "an id not in the index: the query says");
  }

  @Test
  void aMalformedReferenceIsInvalidAndAnUnknownOneIsNotFound() {
    Map<String, String> index = Map.of(ID1, "web1");
    FerryRejection badName =
        refused(Reason.INVALID_ARGUMENT, () -> ServerRefs.resolve(index, "a b"));
    assertEquals(
        "'a b' is neither a server name (1-63 letters, digits, '.', '_' or '-', starting with a"
            + " letter or digit) nor a server id (a UUID)",
        badName.getMessage());
    FerryRejection badId =
        refused(
            Reason.INVALID_ARGUMENT, () -> ServerRefs.resolve(index, "11111111-1111-4111-8111"));
    assertTrue(
        badId
            .getMessage()
            .startsWith("malformed server id '11111111-1111-4111-8111': an id is a UUID"),
        badId.getMessage());
    FerryRejection unknownName =
        refused(Reason.UNKNOWN_INSTANCE, () -> ServerRefs.resolve(index, "web9"));
    assertEquals("unknown server 'web9': see 'ferry server list'", unknownName.getMessage());
    assertEquals(
        "no server with id " + ID3 + ": see 'ferry server list'",
        ServerRefs.unknown(ID3).getMessage());
    refused(Reason.INVALID_ARGUMENT, () -> ServerRefs.resolve(index, " "));
  }

  @Test
  void aServerNamedWithAnotherServersIdIsNeverReachedInItsPlace() {
    // web2 was named with web1's id before names could be ids
    Map<String, String> index = Map.of(ID1, "web1", ID2, ID1, ID3, "6f1c2d3e-12-4a-8b-9");
    FerryRejection r = refused(Reason.DUPLICATE_NAME, () -> ServerRefs.resolve(index, ID1));
    assertEquals(
        "'"
            + ID1
            + "' is the id of server web1 and the name of server "
            + ID2
            + " (named before a name could be a UUID): refer to server web1 by its name, or to"
            + " the other by its id "
            + ID2,
        r.getMessage());
    assertEquals(ID1, ServerRefs.resolve(index, "web1"));
    assertEquals(ID2, ServerRefs.resolve(index, ID2));
    assertEquals(ID3, ServerRefs.resolve(index, "6f1c2d3e-12-4a-8b-9"), "an old id-like name");
  }

  @Test
  void looksLikeIdIsUuidsAndTheirNearMisses() {
    assertTrue(ServerRefs.looksLikeId(ID1));
    assertTrue(ServerRefs.looksLikeId("deadbeef-1-2-3-4"));
    assertFalse(ServerRefs.looksLikeId("web-1-2-3-4"));
    assertTrue(ServerRefs.looksLikeId("6f1c2d3e-1234-4abc"), "cut off");
    assertFalse(ServerRefs.looksLikeId("deadbeef-2026"));
    assertFalse(ServerRefs.looksLikeId("db-2026-05"));
    assertFalse(ServerRefs.looksLikeId(null));
  }
}
