import { Injectable } from '@nestjs/common';
import { and, desc, eq, sql } from 'drizzle-orm';
import { BillingTransaction } from '../database/billing-database';
import { engagements, trainingSessions } from '../database/schema';

export type EngagementRow = typeof engagements.$inferSelect;
export type NewEngagement = typeof engagements.$inferInsert;
export type EngagementChanges = Partial<Pick<EngagementRow, 'scope' | 'priceMinor' | 'currency' | 'startsAt' | 'endsAt' | 'status' | 'satisfactionScore'>>;
export type TrainingSessionRow = typeof trainingSessions.$inferSelect;
export type NewTrainingSession = typeof trainingSessions.$inferInsert;
export type TrainingSessionChanges = Partial<
  Pick<TrainingSessionRow, 'topic' | 'scheduledAt' | 'durationMinutes' | 'attendees' | 'priceMinor' | 'currency' | 'status' | 'satisfactionScore'>
>;

/** SQL of engagements and training sessions; every call runs inside the tenant's transaction. */
@Injectable()
export class ProfessionalServicesRepository {
  async listEngagements(tx: BillingTransaction, tenantId: string): Promise<EngagementRow[]> {
    return tx.select().from(engagements).where(eq(engagements.tenantId, tenantId)).orderBy(desc(engagements.createdAt), desc(engagements.id));
  }

  /** Locked until the transaction ends, so concurrent changes take turns and each sees the status the one before left. */
  async lockEngagement(tx: BillingTransaction, tenantId: string, id: string): Promise<EngagementRow | undefined> {
    const [row] = await tx
      .select()
      .from(engagements)
      .where(and(eq(engagements.tenantId, tenantId), eq(engagements.id, id)))
      .for('update');
    return row;
  }

  async insertEngagement(tx: BillingTransaction, engagement: NewEngagement): Promise<EngagementRow> {
    const [row] = await tx.insert(engagements).values(engagement).returning();
    return row;
  }

  async updateEngagement(tx: BillingTransaction, tenantId: string, id: string, changes: EngagementChanges): Promise<EngagementRow> {
    const [row] = await tx
      .update(engagements)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(engagements.tenantId, tenantId), eq(engagements.id, id)))
      .returning();
    return row;
  }

  async listTrainingSessions(tx: BillingTransaction, tenantId: string): Promise<TrainingSessionRow[]> {
    return tx
      .select()
      .from(trainingSessions)
      .where(eq(trainingSessions.tenantId, tenantId))
      .orderBy(desc(trainingSessions.createdAt), desc(trainingSessions.id));
  }

  async lockTrainingSession(tx: BillingTransaction, tenantId: string, id: string): Promise<TrainingSessionRow | undefined> {
    const [row] = await tx
      .select()
      .from(trainingSessions)
      .where(and(eq(trainingSessions.tenantId, tenantId), eq(trainingSessions.id, id)))
      .for('update');
    return row;
  }

  async insertTrainingSession(tx: BillingTransaction, session: NewTrainingSession): Promise<TrainingSessionRow> {
    const [row] = await tx.insert(trainingSessions).values(session).returning();
    return row;
  }

  async updateTrainingSession(tx: BillingTransaction, tenantId: string, id: string, changes: TrainingSessionChanges): Promise<TrainingSessionRow> {
    const [row] = await tx
      .update(trainingSessions)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(trainingSessions.tenantId, tenantId), eq(trainingSessions.id, id)))
      .returning();
    return row;
  }
}
