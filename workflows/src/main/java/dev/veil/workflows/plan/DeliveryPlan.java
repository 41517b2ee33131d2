package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.veil.workflows.spec.DeliverySpec.DeliveryCompression;
import dev.veil.workflows.spec.DeliverySpec.DeliveryFormat;

/**
 * Where and how one run delivers files, fixed at plan time. Names only: the storage's endpoint and
 * credentials stay in the agent's configuration.
 *
 * @param storage the configured storage's name, or {@code null} for a plain local folder
 * @param to the delivery root as the spec gives it ({@code s3://bucket/prefix}, {@code file:///p})
 * @param runPrefix the run's folder under the root: {@code <pipeline>/<runId>}
 * @param format file format
 * @param compression file compression
 * @param keep deliveries of the pipeline kept after a publish
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeliveryPlan(
    String storage,
    String to,
    String runPrefix,
    DeliveryFormat format,
    DeliveryCompression compression,
    int keep) {}
