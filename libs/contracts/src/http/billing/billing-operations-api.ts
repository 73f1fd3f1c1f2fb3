/** The operator API of billing (admin token): plans, subscription overrides, professional services, SLAs. */
export {};
