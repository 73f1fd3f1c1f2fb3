import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('core-store', __dirname);
