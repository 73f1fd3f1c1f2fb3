import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('messaging', __dirname);
