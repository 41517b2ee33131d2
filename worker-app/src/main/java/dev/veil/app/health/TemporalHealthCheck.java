package dev.veil.app.health;

import com.codahale.metrics.health.HealthCheck;
import dev.veil.app.core.TemporalClients;
import dev.veil.app.core.TemporalUnavailableException;

/**
 * {@code temporal}: the frontend answers and knows the namespace, within the RPC timeout. The
 * message names the namespace, not the address.
 */
public class TemporalHealthCheck extends HealthCheck {

  private final TemporalClients clients;

  public TemporalHealthCheck(TemporalClients clients) {
    this.clients = clients;
  }

  @Override
  protected Result check() {
    try {
      clients.checkReachable();
      return Result.healthy("Temporal answers for namespace " + clients.namespace());
    } catch (TemporalUnavailableException e) {
      return Result.unhealthy("Temporal does not answer for namespace " + clients.namespace());
    }
  }
}
