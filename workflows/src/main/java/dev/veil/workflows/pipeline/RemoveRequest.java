package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Argument of the {@code remove} signal; {@code reason} is for the log and may be null. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RemoveRequest(String reason) {}
