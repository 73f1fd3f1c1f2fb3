import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('backup-worker', __dirname);
