package dev.ferry.hypervisor.libvirt.live;

import dev.ferry.hypervisor.libvirt.DomainXml;
import dev.ferry.hypervisor.libvirt.Domains;
import dev.ferry.hypervisor.libvirt.FerryTag;
import dev.ferry.hypervisor.libvirt.LibvirtConnection;
import dev.ferry.hypervisor.libvirt.LibvirtFailures;
import dev.ferry.live.JobOutcome.SourceState;
import dev.ferry.live.JobRequest;
import dev.ferry.model.LiveMigrationOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.libvirt.Connect;
import org.libvirt.Domain;
import org.libvirt.DomainJobStats;
import org.libvirt.Error.ErrorNumber;
import org.libvirt.LibvirtException;
import org.libvirt.TypedParameter;
import org.libvirt.TypedStringParameter;
import org.libvirt.TypedUlongParameter;

/**
 * {@link MigrationDriver} on the host's libvirt connection. The migration is peer-to-peer (the
 * source libvirtd opens {@code destUri} itself), live, persisted at the destination with the
 * definition re-tagged to the new epoch (VIR_MIGRATE_PARAM_DEST_XML / PERSIST_XML), and undefined
 * at the source.
 *
 * <p>A guest paused when the move started is migrated with VIR_MIGRATE_PAUSED: the destination
 * leaves it suspended instead of resuming it (libvirt's own protocol adds the flag when it sees the
 * source paused; asking for it keeps a guest paused even if it is resumed mid-job). It never gets
 * VIR_MIGRATE_POSTCOPY: post-copy runs the guest at the destination.
 */
final class LibvirtMigrationDriver implements MigrationDriver {

  // virDomainState and the reasons Ferry tells apart (libvirt-domain.h)
  static final int STATE_RUNNING = 1;
  static final int STATE_BLOCKED = 2;
  static final int STATE_PAUSED = 3;
  static final int STATE_SHUTDOWN = 4;
  static final int STATE_SHUTOFF = 5;
  static final int PAUSED_POSTCOPY = 12;
  static final int PAUSED_POSTCOPY_FAILED = 13;

  private static final int JOB_NONE = 0;
  private static final int JOB_COMPLETED = 3;

  private final LibvirtConnection connection;
  private final String uuid;

  LibvirtMigrationDriver(LibvirtConnection connection, String uuid) {
    this.connection = connection;
    this.uuid = uuid;
  }

  /** The flags of a job (and of its post-copy resume). */
  static int flags(JobRequest r) {
    int flags =
        Domain.MigrateFlags.LIVE
            | Domain.MigrateFlags.PEER2PEER
            | Domain.MigrateFlags.PERSIST_DEST
            | Domain.MigrateFlags.UNDEFINE_SOURCE;
    if (r.blockMigration()) {
      flags |= Domain.MigrateFlags.NON_SHARED_DISK;
    }
    if (r.unsafe()) {
      flags |= Domain.MigrateFlags.UNSAFE; // Ferry's probe saw the disks shared
    }
    if (r.paused()) {
      flags |= Domain.MigrateFlags.PAUSED;
    }
    LiveMigrationOptions o = r.options();
    if (Boolean.TRUE.equals(o.permitPostCopy()) && !r.paused()) {
      flags |= Domain.MigrateFlags.POSTCOPY;
    }
    if (Boolean.TRUE.equals(o.permitAutoConverge())) {
      flags |= Domain.MigrateFlags.AUTO_CONVERGE;
    }
    if (r.resumePostCopy()) {
      flags |= Domain.MigrateFlags.POSTCOPY | Domain.MigrateFlags.POSTCOPY_RESUME;
    }
    return flags;
  }

  @Override
  public void migrate(JobRequest r) throws LibvirtException {
    connection.call(
        c -> {
          Domain d = c.domainLookupByUUIDString(uuid);
          List<TypedParameter> params = new ArrayList<>();
          Long bandwidth = r.options().bandwidthMiBs();
          if (bandwidth != null && bandwidth > 0) {
            params.add(
                new TypedUlongParameter(
                    Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_BANDWIDTH, bandwidth));
          }
          if (!r.resumePostCopy()) {
            FerryTag tag = new FerryTag(uuid, r.newEpoch());
            String live = d.getXMLDesc(Domain.XMLFlags.SECURE | Domain.XMLFlags.MIGRATABLE);
            String persistent =
                d.getXMLDesc(
                    Domain.XMLFlags.INACTIVE | Domain.XMLFlags.SECURE | Domain.XMLFlags.MIGRATABLE);
            params.add(
                new TypedStringParameter(
                    Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_DEST_XML,
                    DomainXml.parse(live).setFerryTag(tag).toXml()));
            params.add(
                new TypedStringParameter(
                    Domain.DomainMigrateParameters.VIR_MIGRATE_PARAM_PERSIST_XML,
                    DomainXml.parse(persistent).setFerryTag(tag).toXml()));
          }
          d.migrateToURI(r.destUri(), params.toArray(new TypedParameter[0]), flags(r));
          return null;
        });
  }

  @Override
  public Optional<JobStats> activeJob() throws LibvirtException {
    return jobStats(0, true).filter(stats -> stats.type() < JOB_COMPLETED);
  }

  @Override
  public Optional<JobStats> completedJob() throws LibvirtException {
    return jobStats(Domain.GetJobStatsFlags.COMPLETED, false);
  }

  /**
   * The job statistics libvirt has for the domain; empty when it has none, or no domain (migrated
   * and undefined, or stopped, while we asked). {@code noJobIsNone}: libvirt's "no job" error too.
   */
  private Optional<JobStats> jobStats(int flags, boolean noJobIsNone) throws LibvirtException {
    return connection.read(
        c -> {
          Domain d = find(c);
          if (d == null) {
            return Optional.empty();
          }
          try {
            JobStats stats = stats(d.getJobStats(flags));
            return stats.type() == JOB_NONE ? Optional.empty() : Optional.of(stats);
          } catch (LibvirtException e) {
            if (LibvirtFailures.isNoDomain(e) || (noJobIsNone && noJob(e))) {
              return Optional.empty();
            }
            throw e;
          }
        });
  }

  @Override
  public SourceState sourceState() throws LibvirtException {
    return connection.read(
        c -> {
          Domain d = find(c);
          if (d == null) {
            return SourceState.GONE;
          }
          try {
            return map(LibvirtNative.state(d));
          } catch (IllegalStateException e) {
            return find(c) == null ? SourceState.GONE : SourceState.UNKNOWN;
          }
        });
  }

  static SourceState map(LibvirtNative.State s) {
    return switch (s.state()) {
      case STATE_RUNNING, STATE_BLOCKED -> SourceState.RUNNING;
      case STATE_PAUSED ->
          switch (s.reason()) {
            case PAUSED_POSTCOPY -> SourceState.PAUSED_POST_COPY;
            case PAUSED_POSTCOPY_FAILED -> SourceState.POST_COPY_FAILED;
            default -> SourceState.PAUSED;
          };
      case STATE_SHUTDOWN, STATE_SHUTOFF -> SourceState.SHUT_OFF;
      default -> SourceState.UNKNOWN;
    };
  }

  @Override
  public void abortJob() throws LibvirtException {
    connection.call(
        c -> {
          Domain d = find(c);
          if (d != null) {
            try {
              d.abortJob();
            } catch (LibvirtException e) {
              if (!LibvirtFailures.isNoDomain(e) && !noJob(e)) {
                throw e;
              }
            }
          }
          return null;
        });
  }

  @Override
  public void suspend() throws LibvirtException {
    connection.call(
        c -> {
          Domain d = c.domainLookupByUUIDString(uuid);
          d.suspend();
          return null;
        });
  }

  @Override
  public void startPostCopy() throws LibvirtException {
    connection.call(
        c -> {
          LibvirtNative.startPostCopy(c.domainLookupByUUIDString(uuid));
          return null;
        });
  }

  @Override
  public void setMaxDowntime(long millis) throws LibvirtException {
    connection.call(
        c -> {
          c.domainLookupByUUIDString(uuid).migrateSetMaxDowntime(millis);
          return null;
        });
  }

  @Override
  public void setMaxSpeed(long mibPerSecond) throws LibvirtException {
    connection.call(
        c -> {
          LibvirtNative.setMaxSpeed(c.domainLookupByUUIDString(uuid), mibPerSecond);
          return null;
        });
  }

  private Domain find(Connect c) throws LibvirtException {
    return Domains.find(c, uuid);
  }

  static JobStats stats(DomainJobStats js) {
    Map<String, String> fields = new HashMap<>();
    if (js.stats != null) {
      for (TypedParameter p : js.stats) {
        fields.put(p.field, p.getValueAsString());
      }
    }
    return JobStats.of(js.type, fields);
  }

  static boolean noJob(LibvirtException e) {
    return LibvirtFailures.code(e) == ErrorNumber.VIR_ERR_OPERATION_INVALID;
  }
}
