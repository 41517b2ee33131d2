package dev.veil.activities.plan;

import dev.veil.activities.db.ConnectionRegistry;
import dev.veil.workflows.activities.PlanningActivities;
import dev.veil.workflows.plan.PlanRequest;
import dev.veil.workflows.plan.RunPlan;

/** STUB — being implemented. */
public class PlanningActivitiesImpl implements PlanningActivities {
  private final ConnectionRegistry connections;

  public PlanningActivitiesImpl(ConnectionRegistry connections) {
    this.connections = connections;
  }

  @Override
  public RunPlan plan(PlanRequest request) {
    throw new UnsupportedOperationException("stub " + connections);
  }
}
