{{/* Chart name, truncated to the 63 characters of a DNS label. */}}
{{- define "veil-agent.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Prefix of every resource name: <release>-veil-agent, without stutter: the release name alone when
it contains the chart name (veil-agent-prod), the chart name alone when the release is its first
word (release veil: veil-agent, not veil-veil-agent).
*/}}
{{- define "veil-agent.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else if hasPrefix (printf "%s-" .Release.Name) $name }}
{{- $name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "veil-agent.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "veil-agent.labels" -}}
helm.sh/chart: {{ include "veil-agent.chart" . }}
{{ include "veil-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: veil
{{- end }}

{{/* Labels that select the worker pods (never change them: Deployment selectors are immutable). */}}
{{- define "veil-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ include "veil-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: worker
{{- end }}

{{/* Labels that select the task-only worker pods. */}}
{{- define "veil-agent.tasksSelectorLabels" -}}
app.kubernetes.io/name: {{ include "veil-agent.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: tasks-worker
{{- end }}

{{/* Labels of the objects of the task-only workers. */}}
{{- define "veil-agent.tasksLabels" -}}
helm.sh/chart: {{ include "veil-agent.chart" . }}
{{ include "veil-agent.tasksSelectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: veil
{{- end }}

{{/* The API token Secret's name; empty when there is no token. */}}
{{- define "veil-agent.apiSecretName" -}}
{{- if .Values.api.existingSecret }}
{{- .Values.api.existingSecret }}
{{- else if .Values.api.token }}
{{- printf "%s-api-token" (include "veil-agent.fullname" .) }}
{{- end }}
{{- end }}

{{/* Key of the API token in its Secret. */}}
{{- define "veil-agent.apiSecretKey" -}}
{{- if .Values.api.existingSecret }}{{ .Values.api.existingSecretKey }}{{ else }}token{{ end }}
{{- end }}

{{- define "veil-agent.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "veil-agent.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The agent image: repository@digest when a digest pins it, else repository:tag. */}}
{{- define "veil-agent.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/* Namespace of the redaction pods (and of the executor's Role). */}}
{{- define "veil-agent.executorNamespace" -}}
{{- .Values.executor.kubernetes.namespace | default .Release.Namespace }}
{{- end }}

{{- define "veil-agent.connectionsSecretName" -}}
{{- .Values.connectionsExistingSecret | default (printf "%s-connections" (include "veil-agent.fullname" .)) }}
{{- end }}

{{/* The masking key Secret's name; empty when there is no key. */}}
{{- define "veil-agent.maskingSecretName" -}}
{{- if .Values.masking.existingSecret }}
{{- .Values.masking.existingSecret }}
{{- else if .Values.masking.key }}
{{- printf "%s-masking-key" (include "veil-agent.fullname" .) }}
{{- end }}
{{- end }}

{{- define "veil-agent.pipelinesConfigMapName" -}}
{{- .Values.pipelines.existingConfigMap | default (printf "%s-pipelines" (include "veil-agent.fullname" .)) }}
{{- end }}

{{/* Environment variable prefix of a connection: VEIL_CONN_<NAME, upper case, [^A-Z0-9] -> _>. */}}
{{- define "veil-agent.connectionEnv" -}}
{{- printf "VEIL_CONN_%s" (regexReplaceAll "[^A-Za-z0-9]" . "_" | upper) }}
{{- end }}

{{/* The JDBC URL of a connection entry. */}}
{{- define "veil-agent.jdbcUrl" -}}
{{- printf "jdbc:postgresql://%s:%v/%s?sslmode=%s" .host (.port | default 5432) .database (.sslmode | default "require") }}
{{- end }}

{{/*
Paths of every string value that still contains "changeme" (a placeholder of `veil
values-template`), one per line. Called with (dict "path" "" "value" .Values).
*/}}
{{- define "veil-agent.changemePaths" -}}
{{- $path := .path }}
{{- if kindIs "map" .value }}
{{- range $k, $v := .value }}
{{- include "veil-agent.changemePaths" (dict "path" (ternary $k (printf "%s.%s" $path $k) (eq $path "")) "value" $v) }}
{{- end }}
{{- else if kindIs "slice" .value }}
{{- range $i, $v := .value }}
{{- include "veil-agent.changemePaths" (dict "path" (printf "%s[%d]" $path $i) "value" $v) }}
{{- end }}
{{- else if and (kindIs "string" .value) (contains "changeme" .value) }}
{{- printf "%s\n" $path }}
{{- end }}
{{- end }}

{{/* Fails with a readable message when values do not fit together. */}}
{{- define "veil-agent.validateValues" -}}
{{- $errors := list }}
{{- $placeholders := include "veil-agent.changemePaths" (dict "path" "" "value" .Values) | trim }}
{{- if $placeholders }}
{{- $errors = append $errors (printf "these values are still \"changeme\" placeholders, fill them in: %s" (splitList "\n" $placeholders | join ", ")) }}
{{- end }}
{{- $envNames := dict }}
{{- range $name, $c := .Values.connections }}
{{- $env := include "veil-agent.connectionEnv" $name }}
{{- if hasKey $envNames $env }}
{{- $errors = append $errors (printf "connections.%s and connections.%s map to the same environment variables %s_*: rename one" (get $envNames $env) $name $env) }}
{{- end }}
{{- $_ := set $envNames $env $name }}
{{- if not $.Values.connectionsExistingSecret }}
{{- $c = $c | default dict }}
{{- range $field := list "host" "database" "user" "password" }}
{{- if not (get $c $field) }}
{{- $errors = append $errors (printf "connections.%s.%s is required (or set connectionsExistingSecret)" $name $field) }}
{{- end }}
{{- end }}
{{- end }}
{{- end }}
{{- if and .Values.masking.key (lt (len .Values.masking.key) 16) }}
{{- $errors = append $errors "masking.key must be at least 16 characters" }}
{{- end }}
{{- if and .Values.temporal.tls.existingSecret (not .Values.temporal.tls.enabled) }}
{{- $errors = append $errors "temporal.tls.existingSecret is set but temporal.tls.enabled is false" }}
{{- end }}
{{- if and .Values.cloudApi.url (not .Values.cloudApi.tokenSecret.name) }}
{{- $errors = append $errors "cloudApi.url is set: cloudApi.tokenSecret.name must name the Secret with the API token" }}
{{- end }}
{{- if le (int .Values.terminationGracePeriodSeconds) 30 }}
{{- $errors = append $errors "terminationGracePeriodSeconds must be more than 30 (the worker lets running activities finish for 20 s, then Jetty drains)" }}
{{- end }}
{{- if and .Values.api.token .Values.api.existingSecret }}
{{- $errors = append $errors "set api.token or api.existingSecret, not both" }}
{{- end }}
{{- if and (eq .Values.executor.type "kubernetes") (not .Values.rbac.create) }}
{{- $errors = append $errors "executor.type kubernetes needs rbac.create (the worker creates and watches pods)" }}
{{- end }}
{{- if $errors }}
{{- fail (printf "\n\nveil-agent: invalid values:\n  - %s\n" (join "\n  - " $errors)) }}
{{- end }}
{{- end }}
