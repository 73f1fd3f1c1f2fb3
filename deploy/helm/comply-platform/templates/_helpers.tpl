{{/* Chart label value: name-version. */}}
{{- define "comply.chart" -}}
{{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* Image tag: image.tag, else the chart's appVersion. */}}
{{- define "comply.tag" -}}
{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* Image of a service: <registry>/<repository>/<service>:<tag>. Expects (dict "root" $ "name" <service>). */}}
{{- define "comply.image" -}}
{{- $registry := required "image.registry is required" .root.Values.image.registry -}}
{{ printf "%s/%s/%s:%s" $registry .root.Values.image.repository .name (include "comply.tag" .root) }}
{{- end -}}

{{/* Labels selecting one service's pods. Expects (dict "root" $ "name" <service>). */}}
{{- define "comply.selectorLabels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* Labels on every object of a service. Expects (dict "root" $ "name" <service>). */}}
{{- define "comply.labels" -}}
{{ include "comply.selectorLabels" . }}
app.kubernetes.io/part-of: comply-platform
app.kubernetes.io/version: {{ include "comply.tag" .root | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "comply.chart" .root }}
{{- end -}}

{{/* Labels of release-wide objects (NetworkPolicy). */}}
{{- define "comply.releaseLabels" -}}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/part-of: comply-platform
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ include "comply.chart" . }}
{{- end -}}

{{/* Name of the Kubernetes Secret the CSI driver syncs a workload's Key Vault secrets into. */}}
{{- define "comply.secretName" -}}
{{ printf "%s-secrets" . }}
{{- end -}}

{{- define "comply.keyVaultUrl" -}}
{{ printf "https://%s.%s/" (required "azure.keyVault.name is required" .Values.azure.keyVault.name) .Values.azure.keyVault.dnsSuffix }}
{{- end -}}

{{- define "comply.serviceBusNamespace" -}}
{{ printf "%s.%s" (required "azure.serviceBus.name is required" .Values.azure.serviceBus.name) .Values.azure.serviceBus.dnsSuffix }}
{{- end -}}

{{- define "comply.blobAccountUrl" -}}
{{ printf "https://%s.%s" (required "azure.storage.account is required" .Values.azure.storage.account) .Values.azure.storage.dnsSuffix }}
{{- end -}}

{{/*
Pod and container security shared by the services and the migration Job: uid 10001 (the image's
user), no privilege escalation, read-only root filesystem, no capabilities, RuntimeDefault seccomp.
*/}}
{{- define "comply.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "comply.containerSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{/*
Env entries of Key Vault secrets, each from the synced Secret (never a value in the manifest).
Expects (dict "workload" <name> "secrets" <env name -> Key Vault secret name>).
*/}}
{{- define "comply.secretEnv" -}}
{{- range $env, $object := .secrets }}
- name: {{ $env }}
  valueFrom:
    secretKeyRef:
      name: {{ include "comply.secretName" $.workload }}
      key: {{ $object }}
{{- end }}
{{- end -}}

{{/*
SecretProviderClass for one workload: Key Vault secrets mounted by the Secrets Store CSI driver with
workload identity, and synced into <workload>-secrets for env references.
Expects (dict "root" $ "workload" <name> "clientId" <id> "secrets" <map> "labels" <yaml> "annotations" <map or nil>).
*/}}
{{- define "comply.secretProviderClass" -}}
apiVersion: secrets-store.csi.x-k8s.io/v1
kind: SecretProviderClass
metadata:
  name: {{ .workload }}
  namespace: {{ .root.Release.Namespace }}
  labels:
    {{- .labels | nindent 4 }}
  {{- with .annotations }}
  annotations:
    {{- toYaml . | nindent 4 }}
  {{- end }}
spec:
  provider: azure
  parameters:
    usePodIdentity: "false"
    clientID: {{ required (printf "clientId of %s is required" .workload) .clientId | quote }}
    keyvaultName: {{ required "azure.keyVault.name is required" .root.Values.azure.keyVault.name | quote }}
    tenantId: {{ required "azure.tenantId is required" .root.Values.azure.tenantId | quote }}
    objects: |
      array:
      {{- range $env, $object := .secrets }}
        - |
          objectName: {{ $object }}
          objectType: secret
      {{- end }}
  secretObjects:
    - secretName: {{ include "comply.secretName" .workload }}
      type: Opaque
      labels:
        {{- .labels | nindent 8 }}
      data:
      {{- range $env, $object := .secrets }}
        - objectName: {{ $object }}
          key: {{ $object }}
      {{- end }}
{{- end -}}

{{/* The CSI volume that makes the driver fetch and sync a workload's secrets. */}}
{{- define "comply.secretsVolume" -}}
- name: secrets-store
  csi:
    driver: secrets-store.csi.k8s.io
    readOnly: true
    volumeAttributes:
      secretProviderClass: {{ . }}
{{- end -}}
