import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('testing', __dirname);
