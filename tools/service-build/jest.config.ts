import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('service-build', __dirname);
