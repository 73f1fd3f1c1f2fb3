import { z } from 'zod';
import { tenantId } from '../events/shared-fields';
import { whoamiResponse } from './directory-api';
import {
  adminErrors,
  apiKeyErrors,
  componentReferences,
  componentSchemas,
  json,
  JsonObject,
  operationsPaths,
  pathParameter,
  PLATFORM_RESPONSE_SCHEMAS,
  PLATFORM_SECURITY_SCHEMES,
  queryParameters,
  whoamiPath,
  withAdminToken,
  withApiKey,
  withPlatformErrors,
} from './openapi-builder';
import { planCode, promotionalCode, stripeObjectId } from './billing/billing-fields';
import {
  createEngagementRequest,
  createPlanRequest,
  createPromotionRequest,
  createSlaCommitmentRequest,
  createTrainingSessionRequest,
  planList,
  planOverrideRequest,
  planResponse,
  promotionList,
  promotionResponse,
  recordSlaMeasurementRequest,
  updateEngagementRequest,
  updatePlanRequest,
  updatePromotionRequest,
  updateSlaCommitmentRequest,
  updateTrainingSessionRequest,
} from './billing/billing-operations-api';
import {
  STRIPE_EVENT_MAX_BYTES,
  stripeEventDetail,
  stripeEventId,
  stripeEventList,
  stripeEventListQuery,
  stripeEventSummary,
  stripeWebhookEvent,
  stripeWebhookResponse,
} from './billing/stripe-webhooks-api';
import {
  billingPageQuery,
  billingSubscriptionResponse,
  engagementList,
  engagementResponse,
  invoiceList,
  invoiceResponse,
  liveSubscription,
  paymentList,
  paymentResponse,
  planSummary,
  promotionCodeRequest,
  promotionDiscount,
  promotionRedemption,
  promotionRefusal,
  promotionValidation,
  slaCommitmentList,
  slaCommitmentResponse,
  slaMeasurementList,
  slaMeasurementResponse,
  slaReport,
  trainingSessionList,
  trainingSessionResponse,
  usageQuery,
  usageResponse,
} from './billing/tenant-billing-api';

/**
 * billing's OpenAPI 3.1 document, generated from the zod contracts the service validates with,
 * so that the document and the service cannot disagree. OpenAPI 3.1 schemas are JSON Schema
 * 2020-12, which is what zod emits.
 */


/** Bodies clients send, described as input: fields with defaults are optional. */
const REQUEST_SCHEMAS = {
  PromotionCodeRequest: promotionCodeRequest,
  CreatePlanRequest: createPlanRequest,
  UpdatePlanRequest: updatePlanRequest,
  PlanOverrideRequest: planOverrideRequest,
  CreatePromotionRequest: createPromotionRequest,
  UpdatePromotionRequest: updatePromotionRequest,
  CreateEngagementRequest: createEngagementRequest,
  UpdateEngagementRequest: updateEngagementRequest,
  CreateTrainingSessionRequest: createTrainingSessionRequest,
  UpdateTrainingSessionRequest: updateTrainingSessionRequest,
  CreateSlaCommitmentRequest: createSlaCommitmentRequest,
  UpdateSlaCommitmentRequest: updateSlaCommitmentRequest,
  RecordSlaMeasurementRequest: recordSlaMeasurementRequest,
  StripeWebhookEvent: stripeWebhookEvent,
};

/** What the service answers, described as output. */
const RESPONSE_SCHEMAS = {
  BillingSubscriptionResponse: billingSubscriptionResponse,
  PlanSummary: planSummary,
  LiveSubscription: liveSubscription,
  UsageResponse: usageResponse,
  InvoiceResponse: invoiceResponse,
  InvoiceList: invoiceList,
  PaymentResponse: paymentResponse,
  PaymentList: paymentList,
  PromotionDiscount: promotionDiscount,
  PromotionValidation: promotionValidation,
  PromotionRedemption: promotionRedemption,
  PromotionRefusal: promotionRefusal,
  EngagementResponse: engagementResponse,
  EngagementList: engagementList,
  TrainingSessionResponse: trainingSessionResponse,
  TrainingSessionList: trainingSessionList,
  SlaCommitmentResponse: slaCommitmentResponse,
  SlaCommitmentList: slaCommitmentList,
  SlaMeasurementResponse: slaMeasurementResponse,
  SlaMeasurementList: slaMeasurementList,
  SlaReport: slaReport,
  PlanResponse: planResponse,
  PlanList: planList,
  PromotionResponse: promotionResponse,
  PromotionList: promotionList,
  StripeWebhookResponse: stripeWebhookResponse,
  StripeEventSummary: stripeEventSummary,
  StripeEventList: stripeEventList,
  StripeEventDetail: stripeEventDetail,
  WhoamiResponse: whoamiResponse,
  ...PLATFORM_RESPONSE_SCHEMAS,
};

type SchemaName = keyof typeof REQUEST_SCHEMAS | keyof typeof RESPONSE_SCHEMAS;
const { ref, body, returns, error } = componentReferences<SchemaName>();


const withStripeSignature = [{ stripeSignature: [] }];

const invalidBody = { 400: error('Invalid body; `issues` names each invalid field.') };
const invalidQuery = { 400: error('Invalid query parameter; `issues` names it.') };
const unknownTenant = { 404: error('No such tenant: billing has not heard of it (directory replica or account).') };
const erasedTenant = { 409: error('The tenant is erased: its billing data can no longer be changed.') };

/** A tenant reading its own billing with a `read` key. */
function tenantRead(operationId: string, summary: string, response: SchemaName, extra: JsonObject = {}): JsonObject {
  return {
    operationId,
    tags: ['tenant billing'],
    summary,
    security: withApiKey('read'),
    ...extra,
    responses: { 200: returns('The answer.', response), ...apiKeyErrors, ...((extra.responses as JsonObject | undefined) ?? {}) },
  };
}

function tenantPaths(): JsonObject {
  const invoiceIdParameter = pathParameter('id', stripeObjectId('in', 'invoice'), 'Stripe invoice id.');
  return {
    '/v1/billing/subscription': {
      get: tenantRead('getBillingSubscription', "The tenant's plan, billing status, Stripe subscription and quota", 'BillingSubscriptionResponse', {
        description: 'A tenant billing has not seen yet answers the free plan, active, with the free quota.',
      }),
    },
    '/v1/billing/usage': {
      get: tenantRead('getBillingUsage', 'Records metered in a UTC month against the included records', 'UsageResponse', {
        parameters: queryParameters(usageQuery),
        responses: invalidQuery,
      }),
    },
    '/v1/billing/invoices': {
      get: tenantRead('listInvoices', "The tenant's invoices, newest first", 'InvoiceList', { parameters: queryParameters(billingPageQuery), responses: invalidQuery }),
    },
    '/v1/billing/invoices/{id}': {
      get: tenantRead('getInvoice', 'One invoice', 'InvoiceResponse', {
        parameters: [invoiceIdParameter],
        responses: { 404: error("No such invoice for this tenant (another tenant's invoice is answered the same).") },
      }),
    },
    '/v1/billing/payments': {
      get: tenantRead('listPayments', "The tenant's payments and failed attempts, newest first", 'PaymentList', {
        parameters: queryParameters(billingPageQuery),
        responses: invalidQuery,
      }),
    },
    '/v1/billing/promotions/validate': {
      post: tenantRead('validatePromotionalCode', 'Whether the tenant could redeem a promotional code now, and why not', 'PromotionValidation', {
        requestBody: body('PromotionCodeRequest'),
        responses: invalidBody,
      }),
    },
    '/v1/billing/promotions/redeem': {
      post: {
        operationId: 'redeemPromotionalCode',
        tags: ['tenant billing'],
        summary: 'Redeem a promotional code for the tenant (once per tenant, within its window and cap)',
        description: 'Concurrent redemptions take turns on the code, so the cap holds exactly.',
        security: withApiKey('admin'),
        requestBody: body('PromotionCodeRequest'),
        responses: {
          201: returns('Redeemed; an audit event is queued.', 'PromotionRedemption'),
          ...invalidBody,
          ...apiKeyErrors,
          409: returns('Not redeemable: `reason` says why (unknown, inactive, not_yet_valid, expired, exhausted, already_redeemed).', 'PromotionRefusal'),
        },
      },
    },
    '/v1/billing/engagements': {
      get: tenantRead('listOwnEngagements', "The tenant's professional-services engagements, newest first", 'EngagementList'),
    },
    '/v1/billing/training-sessions': {
      get: tenantRead('listOwnTrainingSessions', "The tenant's training sessions, newest first", 'TrainingSessionList'),
    },
    '/v1/billing/sla': {
      get: tenantRead('getSlaReport', "The tenant's SLA commitments and measurements, with service credits", 'SlaReport'),
    },
  };
}

/** An operator's call with the admin token. */
function admin(operationId: string, summary: string, responses: JsonObject, extra: JsonObject = {}): JsonObject {
  return { operationId, tags: ['operators'], summary, security: withAdminToken, ...extra, responses: { ...responses, ...adminErrors } };
}

function operatorPaths(): JsonObject {
  const tenantIdParameter = pathParameter('tenantId', tenantId, 'Tenant id.');
  const planCodeParameter = pathParameter('code', planCode, 'Plan code.');
  const promotionCodeParameter = pathParameter('code', promotionalCode, 'Promotional code (case-insensitive).');
  const idParameter = (what: string) => pathParameter('id', z.uuid(), `${what} id.`);
  const tenantList = (operationId: string, summary: string, response: SchemaName) =>
    admin(operationId, summary, { 200: returns('The list.', response), ...unknownTenant }, { parameters: [tenantIdParameter] });
  const tenantCreate = (operationId: string, summary: string, request: SchemaName, response: SchemaName, conflicts = erasedTenant) =>
    admin(
      operationId,
      summary,
      { 201: returns('Created; an audit event is queued.', response), ...invalidBody, ...unknownTenant, ...conflicts },
      { parameters: [tenantIdParameter], requestBody: body(request) },
    );
  const tenantUpdate = (operationId: string, summary: string, what: string, request: SchemaName, response: SchemaName, conflict: string) =>
    admin(
      operationId,
      summary,
      { 200: returns('Changed; an audit event is queued.', response), ...invalidBody, 404: error(`No such tenant, or no such ${what} for it.`), 409: error(conflict) },
      { parameters: [tenantIdParameter, idParameter(what)], requestBody: body(request) },
    );
  const lifecycleConflict = 'The status cannot go there from where it is, a satisfaction score comes before completion, a finished one keeps its terms, or the tenant is erased.';
  return {
    '/admin/plans': {
      get: admin('listPlans', 'The plan catalogue', { 200: returns('The plans, by code.', 'PlanList') }),
      post: admin(
        'createPlan',
        'Add a plan',
        { 201: returns('Created; an audit event is queued.', 'PlanResponse'), ...invalidBody, 409: error('The code exists, or the Stripe price belongs to another plan.') },
        { requestBody: body('CreatePlanRequest') },
      ),
    },
    '/admin/plans/{code}': {
      patch: admin(
        'updatePlan',
        'Change a plan; tenants on it get their quota again from it',
        {
          200: returns('Changed; an audit event is queued, and quota changes for the tenants on it.', 'PlanResponse'),
          ...invalidBody,
          404: error('No such plan.'),
          409: error('The free plan cannot be deactivated, or the Stripe price belongs to another plan.'),
        },
        { parameters: [planCodeParameter], requestBody: body('UpdatePlanRequest') },
      ),
    },
    '/admin/tenants/{tenantId}/plan-override': {
      put: admin(
        'setPlanOverride',
        "Put the tenant on a plan whatever its subscription says; its quota follows",
        {
          200: returns("The tenant's billing afterwards.", 'BillingSubscriptionResponse'),
          400: error('Invalid body, or no such plan (`issues` names planCode).'),
          ...unknownTenant,
          409: error('The plan is inactive, or the tenant is erased.'),
        },
        { parameters: [tenantIdParameter], requestBody: body('PlanOverrideRequest') },
      ),
      delete: admin(
        'removePlanOverride',
        'Lift the override: the subscription or the free plan decides again',
        { 200: returns("The tenant's billing afterwards.", 'BillingSubscriptionResponse'), 404: error('No such tenant, or it has no override.'), ...erasedTenant },
        { parameters: [tenantIdParameter] },
      ),
    },
    '/admin/promotions': {
      get: admin('listPromotionalCodes', 'Every promotional code with its redemptions', { 200: returns('The codes, newest first.', 'PromotionList') }),
      post: admin(
        'createPromotionalCode',
        'Add a promotional code',
        { 201: returns('Created; an audit event is queued.', 'PromotionResponse'), ...invalidBody, 409: error('The code exists.') },
        { requestBody: body('CreatePromotionRequest') },
      ),
    },
    '/admin/promotions/{code}': {
      patch: admin(
        'updatePromotionalCode',
        "Deactivate a code, or change its window or cap",
        { 200: returns('Changed; an audit event is queued.', 'PromotionResponse'), ...invalidBody, 404: error('No such promotional code.') },
        { parameters: [promotionCodeParameter], requestBody: body('UpdatePromotionRequest') },
      ),
    },
    '/admin/tenants/{tenantId}/engagements': {
      get: tenantList('listEngagements', "A tenant's engagements", 'EngagementList'),
      post: tenantCreate('createEngagement', 'Propose or schedule an engagement', 'CreateEngagementRequest', 'EngagementResponse'),
    },
    '/admin/tenants/{tenantId}/engagements/{id}': {
      patch: tenantUpdate('updateEngagement', 'Move an engagement on, change its terms, or record satisfaction', 'engagement', 'UpdateEngagementRequest', 'EngagementResponse', lifecycleConflict),
    },
    '/admin/tenants/{tenantId}/training-sessions': {
      get: tenantList('listTrainingSessions', "A tenant's training sessions", 'TrainingSessionList'),
      post: tenantCreate('createTrainingSession', 'Schedule a training session', 'CreateTrainingSessionRequest', 'TrainingSessionResponse'),
    },
    '/admin/tenants/{tenantId}/training-sessions/{id}': {
      patch: tenantUpdate(
        'updateTrainingSession',
        'Move a training session on, change its terms, or record satisfaction',
        'training session',
        'UpdateTrainingSessionRequest',
        'TrainingSessionResponse',
        lifecycleConflict,
      ),
    },
    '/admin/tenants/{tenantId}/sla-commitments': {
      get: tenantList('listSlaCommitments', "A tenant's SLA commitments", 'SlaCommitmentList'),
      post: tenantCreate('createSlaCommitment', 'Commit to a service level', 'CreateSlaCommitmentRequest', 'SlaCommitmentResponse'),
    },
    '/admin/tenants/{tenantId}/sla-commitments/{id}': {
      patch: tenantUpdate('updateSlaCommitment', "Change a commitment's target, credit or activity", 'SLA commitment', 'UpdateSlaCommitmentRequest', 'SlaCommitmentResponse', 'The tenant is erased.'),
    },
    '/admin/tenants/{tenantId}/sla-measurements': {
      get: tenantList('listSlaMeasurements', "A tenant's SLA measurements, newest period first", 'SlaMeasurementList'),
      post: admin(
        'recordSlaMeasurement',
        'Record a month of a commitment; a breach earns a service credit for the next invoice',
        {
          201: returns('Recorded; an audit event is queued.', 'SlaMeasurementResponse'),
          ...invalidBody,
          404: error('No such tenant, or no such commitment for it.'),
          409: error('The commitment already has a measurement for the period, is inactive, or the tenant is erased.'),
        },
        { parameters: [tenantIdParameter], requestBody: body('RecordSlaMeasurementRequest') },
      ),
    },
  };
}

function stripePaths(): JsonObject {
  const eventIdParameter = pathParameter('id', stripeEventId, 'Stripe event id.');
  return {
    '/webhooks/stripe': {
      post: {
        operationId: 'receiveStripeWebhook',
        tags: ['stripe'],
        summary: "Stripe's webhook endpoint: store the verified event, acknowledge, process it from the store",
        description:
          'The `Stripe-Signature` header is verified on the raw body (any of STRIPE_WEBHOOK_SECRETS, within STRIPE_WEBHOOK_TOLERANCE_S). ' +
          'A redelivered event id answers `duplicate: true` and changes nothing. Unknown event types are stored and acknowledged.',
        security: withStripeSignature,
        requestBody: { required: true, content: json(ref('StripeWebhookEvent')) },
        responses: {
          200: returns('Stored (or stored before).', 'StripeWebhookResponse'),
          400: error('Missing, malformed, wrong or stale signature, or a body that is not a Stripe event: nothing is stored.'),
          413: error(`Body larger than ${STRIPE_EVENT_MAX_BYTES} bytes.`),
          503: {
            ...error('Webhooks are disabled (STRIPE_WEBHOOK_SECRETS is not set), or a temporary failure: Stripe retries the delivery.'),
            headers: { 'Retry-After': { description: 'On a temporary failure: seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } },
          },
        },
      },
    },
    '/admin/stripe/events': {
      get: {
        ...admin('listStripeEvents', 'Stored Stripe events with their processing status, newest received first', {
          200: returns('One page of events.', 'StripeEventList'),
          ...invalidQuery,
        }),
        tags: ['stripe'],
        parameters: queryParameters(stripeEventListQuery),
      },
    },
    '/admin/stripe/events/{id}': {
      get: {
        ...admin('getStripeEvent', 'One stored Stripe event with its payload', { 200: returns('The event.', 'StripeEventDetail'), 404: error('No such stored event.') }),
        tags: ['stripe'],
        parameters: [eventIdParameter],
      },
    },
    '/admin/stripe/events/{id}/reprocess': {
      post: {
        ...admin('reprocessStripeEvent', 'Process a stored event again now (after a failure, or to re-apply it)', {
          200: returns('Processed; the event as it stands afterwards.', 'StripeEventDetail'),
          404: error('No such stored event.'),
        }),
        tags: ['stripe'],
        parameters: [eventIdParameter],
      },
    },
  };
}

export function billingOpenApi(): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'billing API',
      version: '1',
      description:
        "The money side of the platform: Stripe's webhooks turned into each tenant's plan, subscription, invoices and payments; " +
        'usage against the plan; promotional codes; and, for operators, the plan catalogue, overrides, professional services and SLAs. ' +
        'Amounts are integers in minor units of their currency (cents for "usd").',
    },
    servers: [{ url: '/' }],
    tags: [
      { name: 'tenant billing', description: 'A tenant reading its billing and redeeming codes with its API key.' },
      { name: 'auth', description: 'Who an API key belongs to; every service answers the same.' },
      { name: 'operators', description: 'Plans, overrides, promotional codes, professional services and SLAs with the admin token.' },
      { name: 'stripe', description: "Stripe's webhook endpoint, and the stored events for operators." },
      { name: 'operations', description: 'Health, metrics and this documentation; no authentication.' },
    ],
    paths: withPlatformErrors({ ...tenantPaths(), ...operatorPaths(), ...stripePaths(), ...whoamiPath(), ...operationsPaths() }),
    components: {
      schemas: { ...componentSchemas(REQUEST_SCHEMAS, 'input'), ...componentSchemas(RESPONSE_SCHEMAS, 'output') },
      securitySchemes: {
        ...PLATFORM_SECURITY_SCHEMES,
        stripeSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'Stripe-Signature',
          description: "Stripe's signature of the raw body (`t=…,v1=…`), checked against STRIPE_WEBHOOK_SECRETS.",
        },
      },
    },
  };
}
