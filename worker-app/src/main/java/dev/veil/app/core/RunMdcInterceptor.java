package dev.veil.app.core;

import io.temporal.activity.ActivityExecutionContext;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptor;
import io.temporal.common.interceptors.ActivityInboundCallsInterceptorBase;
import io.temporal.common.interceptors.WorkerInterceptorBase;
import java.lang.reflect.RecordComponent;
import org.slf4j.MDC;

/**
 * Puts the pipeline and run of every activity into the logging MDC ({@code pipeline}, {@code run}),
 * so each log line of a run carries them, as fields of their own with the JSON layout. They come
 * from the activity's argument when it is a record with {@code pipelineId}/{@code runId} (tasks,
 * plans, events), else the run is the calling workflow's id.
 */
public final class RunMdcInterceptor extends WorkerInterceptorBase {

  /** MDC key of the pipeline id. */
  public static final String PIPELINE = "pipeline";

  /** MDC key of the run id. */
  public static final String RUN = "run";

  @Override
  public ActivityInboundCallsInterceptor interceptActivity(ActivityInboundCallsInterceptor next) {
    return new ActivityInboundCallsInterceptorBase(next) {
      private ActivityExecutionContext context;

      @Override
      public void init(ActivityExecutionContext context) {
        this.context = context;
        super.init(context);
      }

      @Override
      public ActivityOutput execute(ActivityInput input) {
        String pipeline = null;
        String run = null;
        for (Object argument : input.getArguments()) {
          pipeline = pipeline != null ? pipeline : component(argument, "pipelineId");
          run = run != null ? run : component(argument, "runId");
        }
        if (run == null && context != null) {
          run = context.getInfo().getWorkflowId();
        }
        try (MDC.MDCCloseable p = putIfPresent(PIPELINE, pipeline);
            MDC.MDCCloseable r = putIfPresent(RUN, run)) {
          return super.execute(input);
        }
      }
    };
  }

  private static MDC.MDCCloseable putIfPresent(String key, String value) {
    return value == null ? null : MDC.putCloseable(key, value);
  }

  /** The string component {@code name} of a record argument, or null. */
  private static String component(Object argument, String name) {
    if (argument == null || !argument.getClass().isRecord()) {
      return null;
    }
    for (RecordComponent c : argument.getClass().getRecordComponents()) {
      if (c.getName().equals(name) && c.getType() == String.class) {
        try {
          return (String) c.getAccessor().invoke(argument);
        } catch (ReflectiveOperationException e) {
          return null;
        }
      }
    }
    return null;
  }
}
