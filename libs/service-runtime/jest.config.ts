import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('service-runtime', __dirname);
