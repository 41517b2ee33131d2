package dev.veil.workflows.run;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Argument of the {@code cancel} signal. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CancelRequest(String reason) {}
