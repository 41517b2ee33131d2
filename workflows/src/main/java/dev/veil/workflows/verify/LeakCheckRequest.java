package dev.veil.workflows.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.plan.RunPlan;
import dev.veil.workflows.spec.VerifySpec;

/**
 * What a leak check looks at: the run's plan (its build database, tables and rules) and the
 * pipeline's {@code verify} policy.
 *
 * @param plan the run's plan
 * @param verify the policy, defaults applied
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LeakCheckRequest(RunPlan plan, VerifySpec verify) {}
