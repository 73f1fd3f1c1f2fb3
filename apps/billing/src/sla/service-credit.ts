/**
 * The service credit of a breach: `creditPercent` of the invoice amount, in whole minor units
 * rounded down (the platform never credits more than it promised). Exact for any stored amount.
 */
export function serviceCreditOf(invoiceAmountMinor: number, creditPercent: number): number {
  return Number((BigInt(invoiceAmountMinor) * BigInt(creditPercent)) / 100n);
}
