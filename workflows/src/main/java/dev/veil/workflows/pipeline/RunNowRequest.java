package dev.veil.workflows.pipeline;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Argument of the {@code runNow} signal; {@code reason} is for the log and may be null. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunNowRequest(String reason) {}
