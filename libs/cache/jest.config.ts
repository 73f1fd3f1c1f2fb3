import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('cache', __dirname);
