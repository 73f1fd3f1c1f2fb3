import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('analytics-ingest', __dirname);
