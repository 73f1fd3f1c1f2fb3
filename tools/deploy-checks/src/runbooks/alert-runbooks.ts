import { ALERTS, RUNBOOKS_DIR } from '../terraform/deployment-conventions';

/** The alerts Terraform defines, each with its page `docs/runbooks/alerts/<slug>.md`. */
export const ALERT_SLUGS = Object.keys(ALERTS);

/** The level-2 headings every alert page has, in this order, so an operator finds the same things in the same place. */
export const ALERT_PAGE_SECTIONS = ['What it means', 'Impact', 'How to look', 'How to fix', 'When to escalate'] as const;

/** Path of an alert's runbook, relative to the repository root. */
export function alertRunbookPath(slug: string): string {
  return `${RUNBOOKS_DIR}/${slug}.md`;
}
