package dev.ferry.worker.conductor;

import dev.ferry.action.ServerActionWorkflowImpl;
import dev.ferry.entities.client.HostMovesActivitiesImpl;
import dev.ferry.entities.client.HostRecordActivitiesImpl;
import dev.ferry.entities.client.MovePreflightActivitiesImpl;
import dev.ferry.entities.client.PlacementActivitiesImpl;
import dev.ferry.entities.client.WorkflowInspectionActivitiesImpl;
import dev.ferry.evacuate.EvacuationWorkflowImpl;
import dev.ferry.evacuate.HostDrainWorkflowImpl;
import dev.ferry.evacuate.HostEvacuationWorkflowImpl;
import dev.ferry.fencing.FencingActivitiesImpl;
import dev.ferry.host.HostWorkflowImpl;
import dev.ferry.instance.AdoptionWorkflowImpl;
import dev.ferry.instance.InstanceWorkflowImpl;
import dev.ferry.live.LiveMigrationWorkflowImpl;
import dev.ferry.model.Names;
import dev.ferry.placement.PlacementWorkflowImpl;
import dev.ferry.resize.ResizeWorkflowImpl;
import dev.ferry.worker.config.FerryProperties;
import dev.ferry.worker.config.SearchAttributeCheck;
import dev.ferry.worker.config.TemporalConnection;
import dev.ferry.worker.config.Workers;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The conductor: every workflow on {@code ferry-conductor}, and the off-host activities (calls into
 * the entities). Stateless: kill it, start it again, and the workflows resume. It refuses to start
 * when Ferry's search attributes are missing on its namespace ({@link SearchAttributeCheck}).
 */
@Component
@ConditionalOnProperty(name = "ferry.role", havingValue = "conductor")
public class Conductor implements SmartLifecycle {
  private static final Logger log = LoggerFactory.getLogger(Conductor.class);

  private final FerryProperties properties;
  private WorkerFactory factory;

  public Conductor(FerryProperties properties) {
    this.properties = properties;
  }

  @Override
  public void start() {
    WorkflowClient client = TemporalConnection.connect(properties.temporal());
    SearchAttributeCheck.require(client.getWorkflowServiceStubs(), properties.temporal());
    factory = WorkerFactory.newInstance(client);
    Worker worker =
        factory.newWorker(Names.CONDUCTOR_QUEUE, Workers.options(properties.temporal()));
    worker.registerWorkflowImplementationTypes(
        PlacementWorkflowImpl.class,
        HostWorkflowImpl.class,
        InstanceWorkflowImpl.class,
        AdoptionWorkflowImpl.class,
        ServerActionWorkflowImpl.class,
        ResizeWorkflowImpl.class,
        EvacuationWorkflowImpl.class,
        HostEvacuationWorkflowImpl.class,
        HostDrainWorkflowImpl.class,
        LiveMigrationWorkflowImpl.class);
    FencingActivitiesImpl fencing = new FencingActivitiesImpl(properties.fencing().config());
    worker.registerActivitiesImplementations(
        new PlacementActivitiesImpl(client),
        new HostRecordActivitiesImpl(client),
        new WorkflowInspectionActivitiesImpl(client),
        // fencing runs here, never on the queue of the host being fenced
        fencing,
        new MovePreflightActivitiesImpl(client, fencing),
        new HostMovesActivitiesImpl(client));
    factory.start();
    PlacementBootstrap.ensure(client, properties.conductor().settings());
    log.info(
        "Ferry conductor polling {} on {}", Names.CONDUCTOR_QUEUE, properties.temporal().target());
  }

  @Override
  public void stop() {
    if (factory != null) {
      factory.shutdown();
      factory.awaitTermination(10, TimeUnit.SECONDS);
      factory = null;
    }
  }

  @Override
  public boolean isRunning() {
    return factory != null;
  }
}
