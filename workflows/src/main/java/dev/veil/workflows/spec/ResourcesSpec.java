package dev.veil.workflows.spec;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Kubernetes resource quantities for redaction pods, e.g. {@code cpu: "500m", memory: "1Gi"}. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourcesSpec(String cpu, String memory) {}
