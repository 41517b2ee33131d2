package dev.veil.activities.executor.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/** Which Kubernetes API trouble a retry of the task can outlive. */
public final class KubernetesErrors {

  private KubernetesErrors() {}

  /**
   * No answer, a request timeout, throttling, server errors: wherever it sits in the cause chain
   * (a client request timeout comes wrapped).
   */
  public static boolean isTransient(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof KubernetesClientException k) {
        int code = k.getCode();
        if (code <= 0 || code == 408 || code == 429 || code >= 500) { // <= 0: no HTTP answer
          return true;
        }
      }
      if (t instanceof TimeoutException || t instanceof IOException) {
        return true;
      }
    }
    return false;
  }
}
