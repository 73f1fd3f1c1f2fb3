import type { ServiceName } from '@comply/config';

/** The part of the chart's values the checks compare with what was rendered (values.yaml documents all). */
export interface ServiceValues {
  database: string;
  dbUser: string;
  clientId: string;
  httpFacing: boolean;
  keyVault: boolean;
  blobStorage: boolean;
  subscriptions: { topic: string; subscription: string }[];
  replicas: { min: number; max: number };
  messageCount: number;
  secrets: Record<string, string>;
}

export interface ChartValues {
  image: { registry: string; repository: string; tag: string };
  azure: { tenantId: string; serviceBus: { name: string } };
  services: Record<ServiceName, ServiceValues>;
  keda: { clientId: string };
  migrate: { clientId: string; secrets: Record<string, string> };
  ingress: { enabled: boolean; hosts: Record<string, string> };
  metrics: { podMonitor: { enabled: boolean } };
}
