import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('config', __dirname);
