import { testTiers } from '../jest/test-tiers';

export default testTiers('servicebus-emulator', __dirname);
