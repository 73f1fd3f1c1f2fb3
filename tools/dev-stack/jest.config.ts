import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('dev-stack', __dirname);
