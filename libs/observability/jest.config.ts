import { testTiers } from '../../tools/jest/test-tiers';

export default testTiers('observability', __dirname);
