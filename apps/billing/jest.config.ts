import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('billing', __dirname);
