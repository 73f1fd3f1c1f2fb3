import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('platform-checks', __dirname);
