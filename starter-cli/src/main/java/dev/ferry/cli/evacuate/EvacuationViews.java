package dev.ferry.cli.evacuate;

import dev.ferry.cli.common.TableWriter;
import dev.ferry.client.EvacuationClient;
import dev.ferry.client.RecordedMove;
import dev.ferry.client.ServersClient;
import dev.ferry.evacuate.EvacuationDetails;
import dev.ferry.evacuate.EvacuationStatus;
import dev.ferry.model.FerryRejection;
import dev.ferry.model.InstanceMoveStatus;
import dev.ferry.model.InstanceRecord;
import dev.ferry.move.MoveView;
import java.util.ArrayList;
import java.util.List;

/** How an evacuation's own details (fencing, disk, lost data, notes) are shown. */
public final class EvacuationViews {
  static final String REBUILT = "rebuilt-from-base-image";

  private EvacuationViews() {}

  /**
   * The evacuation part of {@code ferry migration show} and of {@code evacuate --wait}: its rows,
   * added to the move's details so the columns line up. Nothing is added when the move answers no
   * details. The server's note about this move (e.g. its local data lost) is one of its notes:
   * never an error.
   */
  public static void addDetails(
      TableWriter t, EvacuationClient evacuation, ServersClient servers, MoveView move) {
    addDetails(t, move, shown(evacuation, servers, move));
  }

  /** {@link #addDetails} with the details already read; nothing is added for null. */
  public static void addDetails(TableWriter t, MoveView move, Shown shown) {
    if (shown != null) {
      details(t, move, shown.details(), shown.rebuiltFromImage());
    }
  }

  /**
   * What {@link #addDetails} shows of an evacuation: its details with the server's note about it,
   * and the base image a host-local disk was rebuilt from (null when unknown).
   *
   * @return null when the move answers no details
   */
  public static Shown shown(EvacuationClient evacuation, ServersClient servers, MoveView move) {
    EvacuationDetails d = evacuation.details(move.moveId());
    if (d == null) {
      return null;
    }
    InstanceRecord record = record(servers, move.instanceId());
    String image =
        REBUILT.equals(d.disk()) && record != null && !isBlank(record.baseImage)
            ? record.baseImage
            : null;
    return new Shown(withNote(d, RecordedMove.noteAbout(record, move.moveId())), image);
  }

  /** An evacuation's details as shown, and the image its disk was rebuilt from, if known. */
  public record Shown(EvacuationDetails details, String rebuiltFromImage) {}

  /**
   * {@code Fencing:} method and what it did ({@code not yet} while running unfenced), {@code
   * Disk:}, {@code Local data:} only when lost, then one {@code Notes:} line per note.
   *
   * @param image the base image a host-local disk was rebuilt from; null when unknown
   */
  public static TableWriter details(
      TableWriter t, MoveView move, EvacuationDetails d, String image) {
    boolean fenced = d.fenceMethod() != null || d.fencing() != null;
    if (fenced) {
      t.row("Fencing:", fencing(d));
    } else {
      t.row("Fencing:", move.finished() ? "none (ended before fencing)" : "not yet");
    }
    String disk = disk(move, d, image);
    if (disk != null) {
      t.row("Disk:", disk);
    }
    if (d.localDataLost()) {
      t.row(
          "Local data:",
          "lost on "
              + (move.sourceHost() == null ? "the failed host" : move.sourceHost())
              + " (the host-local disk stayed there)");
    }
    if (d.notes() != null) {
      String key = "Notes:";
      for (String note : d.notes()) {
        t.row(key, note);
        key = " "; // one key for all notes; a blank key would print as "-"
      }
    }
    return t;
  }

  private static String fencing(EvacuationDetails d) {
    if (d.fenceMethod() == null) {
      return d.fencing();
    }
    return d.fencing() == null ? d.fenceMethod() : d.fenceMethod() + ": " + d.fencing();
  }

  /**
   * What became of the disk; null while that is not known yet (the move reports {@code none} until
   * it rebuilds on the destination).
   */
  private static String disk(MoveView move, EvacuationDetails d, String image) {
    if (d.disk() == null) {
      return null;
    }
    return switch (d.disk()) {
      case "shared" -> "shared (reused on the destination)";
      case REBUILT -> "rebuilt from base image" + (image == null ? "" : " " + image);
      case "none" -> isDone(move) ? "none" : null;
      default -> d.disk();
    };
  }

  private static boolean isDone(MoveView move) {
    return EvacuationStatus.DONE.is(move.status())
        || InstanceMoveStatus.COMPLETED.is(move.status());
  }

  /** The server's record; null when it is gone or unknown. */
  private static InstanceRecord record(ServersClient servers, String instanceId) {
    if (instanceId == null) {
      return null;
    }
    try {
      return servers.get(instanceId);
    } catch (FerryRejection e) {
      return null;
    }
  }

  /** The details with {@code note} as their last note, unless it is one of them already. */
  static EvacuationDetails withNote(EvacuationDetails d, String note) {
    List<String> notes = d.notes() == null ? List.of() : d.notes();
    if (note == null || notes.contains(note)) {
      return d;
    }
    List<String> all = new ArrayList<>(notes);
    all.add(note);
    return new EvacuationDetails(
        d.fenceMethod(), d.fencing(), d.disk(), d.localDataLost(), d.newEpoch(), List.copyOf(all));
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }
}
