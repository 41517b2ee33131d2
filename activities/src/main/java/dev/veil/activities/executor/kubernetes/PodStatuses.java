package dev.veil.activities.executor.kubernetes;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStateWaiting;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import java.util.ArrayList;
import java.util.List;

/** What a redaction pod's status says: its phase, and why it is still Pending or why it failed. */
final class PodStatuses {

  private PodStatuses() {}

  static String phase(Pod pod) {
    return pod == null || pod.getStatus() == null || pod.getStatus().getPhase() == null
        ? "Pending"
        : pod.getStatus().getPhase();
  }

  static boolean isTerminal(Pod pod) {
    String phase = phase(pod);
    return "Succeeded".equals(phase) || "Failed".equals(phase);
  }

  /** Why a pod is still Pending: the scheduler's condition or a container's waiting reason. */
  static String pendingReason(Pod pod) {
    List<String> reasons = new ArrayList<>();
    if (pod != null && pod.getStatus() != null) {
      for (ContainerStatus status : nonNull(pod.getStatus().getContainerStatuses())) {
        ContainerStateWaiting waiting =
            status.getState() == null ? null : status.getState().getWaiting();
        if (waiting != null && waiting.getReason() != null) {
          reasons.add(waiting.getReason() + messageOf(waiting.getMessage()));
        }
      }
      for (PodCondition condition : nonNull(pod.getStatus().getConditions())) {
        if ("False".equals(condition.getStatus()) && condition.getReason() != null) {
          reasons.add(condition.getReason() + messageOf(condition.getMessage()));
        }
      }
    }
    return reasons.isEmpty() ? "not scheduled or started" : String.join("; ", reasons);
  }

  /** Why a pod failed: the container's termination reason and exit code, or the pod's reason. */
  static String failureReason(Pod pod) {
    List<String> reasons = new ArrayList<>();
    if (pod.getStatus() != null) {
      for (ContainerStatus status : nonNull(pod.getStatus().getContainerStatuses())) {
        ContainerStateTerminated terminated =
            status.getState() == null ? null : status.getState().getTerminated();
        if (terminated != null) {
          reasons.add(
              (terminated.getReason() == null ? "Error" : terminated.getReason())
                  + ", exit code "
                  + terminated.getExitCode());
        }
      }
      if (pod.getStatus().getReason() != null) {
        reasons.add(pod.getStatus().getReason() + messageOf(pod.getStatus().getMessage()));
      }
    }
    return reasons.isEmpty() ? "Failed" : String.join("; ", reasons);
  }

  static String terminationMessage(Pod pod) {
    if (pod.getStatus() == null) {
      return "";
    }
    for (ContainerStatus status : nonNull(pod.getStatus().getContainerStatuses())) {
      if (status.getState() != null && status.getState().getTerminated() != null
          && status.getState().getTerminated().getMessage() != null) {
        return status.getState().getTerminated().getMessage();
      }
    }
    return "";
  }

  private static String messageOf(String message) {
    return message == null || message.isBlank() ? "" : ": " + PodOutput.scrubSecrets(message);
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
