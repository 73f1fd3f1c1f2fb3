import { DatabaseSettings, ProductionRequirement } from '@comply/config';
import { requiresTls } from '@comply/persistence';

type SslMode = ReturnType<DatabaseSettings['DB_SSL']['parse']>;

/** Production reaches PostgreSQL over TLS only: credentials and tenant data cross the network. */
export const databaseTlsInProduction: ProductionRequirement<SslMode> = {
  doc: 'TLS: `require`, or `auto` with a remote `DB_HOST`',
  problem(mode, config) {
    const host = String(config.DB_HOST);
    if (requiresTls({ DB_SSL: mode, DB_HOST: host })) return undefined;
    if (mode === 'disable') return 'is disable, but production connects to PostgreSQL over TLS only; set DB_SSL=require';
    return `is auto, which means no TLS for the local DB_HOST ${host}, but production connects to PostgreSQL over TLS only; set DB_SSL=require or DB_HOST to the server's name`;
  },
};
