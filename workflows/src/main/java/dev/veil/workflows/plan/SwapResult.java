package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * @param tables tables in the new twin whose rows were copied
 * @param alreadyDone the swap had happened before (a retried swap found the twin marked with this
 *     run)
 * @param previousDatabase where the replaced twin was kept ({@code keepPrevious}), or {@code null}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SwapResult(int tables, boolean alreadyDone, String previousDatabase) {
  public SwapResult(int tables, boolean alreadyDone) {
    this(tables, alreadyDone, null);
  }
}
