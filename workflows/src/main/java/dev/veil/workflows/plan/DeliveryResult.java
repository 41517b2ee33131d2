package dev.veil.workflows.plan;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A published delivery.
 *
 * @param manifest where its manifest is ({@code s3://…/manifest.json} or {@code file:///…})
 * @param files how many data files it holds
 * @param rows how many rows
 * @param bytes the data files' bytes
 * @param pruned older deliveries deleted because of {@code keep}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeliveryResult(String manifest, int files, long rows, long bytes, int pruned) {}
