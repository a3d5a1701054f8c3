package dev.ferry.testing;

import dev.ferry.host.HostCleanupActivities;
import dev.ferry.model.CleanupItem;
import dev.ferry.model.CleanupReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * TEST ONLY: a host agent's cleanup activity. Every item is carried out, but those told to fail
 * ({@link #failing}); every call's item ids are kept in order.
 */
public final class ScriptedCleanup implements HostCleanupActivities {
  /** The item ids of each call, in call order. */
  public final List<List<String>> calls = new CopyOnWriteArrayList<>();

  private final Map<String, String> failing = new ConcurrentHashMap<>();
  private volatile String allFail;

  /** From now on item {@code id} fails with {@code why}. */
  public void failing(String id, String why) {
    failing.put(id, why);
  }

  /** From now on every item fails with {@code why} (an agent that cannot reach its libvirt). */
  public void allFailing(String why) {
    allFail = why;
  }

  /** From now on item {@code id} is carried out. */
  public void succeeding(String id) {
    failing.remove(id);
  }

  @Override
  public CleanupReport run(List<CleanupItem> items) {
    List<String> ids = items.stream().map(CleanupItem::id).toList();
    calls.add(ids);
    List<String> done = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (String id : ids) {
      String why = allFail != null ? allFail : failing.get(id);
      if (why == null) {
        done.add(id);
      } else {
        failed.put(id, why);
      }
    }
    return new CleanupReport(done, failed);
  }
}
