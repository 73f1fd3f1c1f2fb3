import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('crypto', __dirname);
